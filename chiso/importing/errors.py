"""The one exception an import raises for bad input; its message is one Vietnamese sentence for the user."""


class ImportRejected(Exception):
    """The file cannot be imported (empty, wrong type, damaged, encrypted, too large, not a plan)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

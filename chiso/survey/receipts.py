"""Receipt codes checked against the agency's imported dossiers, when the agency has any (chiso.dossiers)."""

from chiso.dossiers import queries, store


def has_dossiers(agency) -> bool:
    return bool(store.files("dossier", [agency.pk]))


def find(agency, code: str) -> dict | None:
    """The dossier of that code, or None. Only asked when `has_dossiers(agency)`."""
    return queries.dossier(agency.pk, code)

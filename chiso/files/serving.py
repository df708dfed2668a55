"""Serving a stored file to a person the caller's permission check has already let through."""

from django.http import FileResponse, Http404


def attachment(stored) -> FileResponse:
    """The file of a StoredFile row as a download under its original name, with the type it was checked to
    be; the browser must not guess another type (nosniff) nor show it inline."""
    if not stored.file:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except OSError as exc:  # the row outlived its file
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name or stored.file.name,
                            content_type=stored.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response

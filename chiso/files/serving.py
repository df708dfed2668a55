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


INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}  # what a browser shows safely in a tab


def inline_or_attachment(stored) -> FileResponse:
    """PDFs and images open in the browser ("inline", under their original name): their type was checked from
    the content on upload and the browser may not guess another (nosniff). DOCX, XLSX and anything else
    download."""
    if (stored.content_type or "") not in INLINE_TYPES:
        return attachment(stored)
    if not stored.file:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=False, filename=stored.original_name or stored.file.name,
                            content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response

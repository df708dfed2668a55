"""Evidence files (tài liệu kiểm chứng), for any app: the content check and checksum (`checks`), the stored
file's fields (`models.StoredFile`, abstract), storage and atomic writes (`storage`), safe serving (`serving`).
Nothing here knows which record a file proves: a progress update today, an assessment criterion later."""

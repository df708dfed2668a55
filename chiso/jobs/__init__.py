"""Background jobs: long work (OCR of a scanned plan, big reports, packs of evidence) runs outside the
request, in `chiso jobs --loop`, with its progress shown on any page (see docs/architecture.md, "Jobs").

Public API: `enqueue`, `register`, `JobFailed` (chiso.jobs.api), the `Job` model, the progress fragment
`jobs/_progress.html` and, for tests, `run_pending`.
"""

"""The progress fragment any page can include (HTMX polls it until the job ends)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from .models import Job


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the person who asked (or an administrator) sees a job; anyone else gets 404, not a hint."""
    job = Job.objects.filter(pk=pk).first()
    if job is None or (job.created_by_id != request.user.pk and not request.user.is_superuser):
        raise Http404
    url = (job.result or {}).get("url") if job.state == Job.State.DONE else None
    if url and not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = None
    if url and request.htmx:
        return HttpResponseClientRedirect(url)
    return render(request, "jobs/_progress.html", {"job": job, "next_url": url})

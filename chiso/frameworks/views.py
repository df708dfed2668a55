"""Pages of the catalogs: the list, one catalog's tree, XLSX download and (administrators) upload."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from chiso.accounts import access as perms

from .actions import CatalogError, do_copy_framework
from .exchange import export_filename, export_framework
from .forms import CatalogUploadForm, imported_message
from .models import Framework
from .queries import framework_tree, frameworks_by_index

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, CatalogUploadForm())


def _render_list(request: HttpRequest, form: CatalogUploadForm, errors=(), status: int = 200) -> HttpResponse:
    context = {"nav": "frameworks", "groups": frameworks_by_index(),
               "can_import": perms.is_admin(request.user), "form": form, "import_errors": errors}
    return render(request, "frameworks/framework_list.html", context, status=status)


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_object_or_404(Framework.objects.select_related("province"), pk=pk)
    return _render_detail(request, framework, CatalogUploadForm(initial={"into": framework}))


def _render_detail(request: HttpRequest, framework: Framework, form: CatalogUploadForm, errors=(),
                   status: int = 200) -> HttpResponse:
    nodes = framework_tree(framework)
    fields = [n for n in nodes if n.depth == 1]
    # The total of the fields' maxima, shown only when every field has one.
    total = None
    if fields and all(n.max_score is not None for n in fields):
        total = sum(n.max_score for n in fields)
    context = {"nav": "frameworks", "framework": framework, "nodes": nodes, "field_total": total,
               "has_unverified": any(not n.is_verified for n in nodes),
               "can_import": perms.is_admin(request.user), "form": form, "import_errors": errors}
    return render(request, "frameworks/framework_detail.html", context, status=status)


@login_required
def framework_export(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_object_or_404(Framework.objects.select_related("province"), pk=pk)
    response = HttpResponse(export_framework(framework), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(framework)}"'
    return response


@require_POST
@login_required
def framework_import(request: HttpRequest) -> HttpResponse:
    """Administrators upload a workbook: a new catalog, or an update of the one chosen in ``into``."""
    perms.require(perms.is_admin(request.user))
    form = CatalogUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        result, errors = form.run_import(request.user)
        if result is not None:
            messages.success(request, imported_message(result))
            return redirect("framework_detail", pk=result.framework.pk)
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    into = form.cleaned_data.get("into")  # errors are shown on the page the upload came from
    if into is not None:
        return _render_detail(request, into, form, errors, status=400)
    return _render_list(request, form, errors, status=400)


@require_POST
@login_required
def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators copy a catalog to another year (next year by default) to edit it there."""
    perms.require(perms.is_admin(request.user))
    source = get_object_or_404(Framework.objects.select_related("province"), pk=pk)
    try:
        year = int(request.POST.get("year") or source.year + 1)
        copy = do_copy_framework(request.user, source, year)
    except (ValueError, CatalogError) as exc:
        message = str(exc) if isinstance(exc, CatalogError) else gettext("Năm không hợp lệ.")
        messages.error(request, message)
        return redirect("framework_detail", pk=source.pk)
    messages.success(request, gettext("Đã tạo “%(name)s” năm %(year)d từ bộ năm %(old)d; hãy sửa những gì đã "
                                      "thay đổi.") % {"name": copy.name, "year": copy.year, "old": source.year})
    return redirect("framework_detail", pk=copy.pk)

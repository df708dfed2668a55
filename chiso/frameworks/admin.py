"""Admin of catalogs: frameworks with their nodes inline, nodes, published results, XLSX in and out."""

import io
import zipfile

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exchange import export_filename, export_framework
from .forms import CatalogUploadForm, imported_message
from .models import Framework, FrameworkNode, PublishedResult
from .rules import RuleError
from .rules import parse_text as parse_rule

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NodeForm(forms.ModelForm):
    """A node with its scoring rule typed in the XLSX column's text form, checked like an import."""

    rule_input = forms.CharField(label=gettext_lazy("Quy tắc tính"), required=False,
                                 help_text=gettext_lazy("“có/không”, “bậc: 100% → 1; 80% → 0,5”, “đếm: 0,5”, "
                                                        "“tỷ lệ: 100%”; để trống khi chấm tay."))

    class Meta:
        model = FrameworkNode
        fields = ["code", "parent", "depth", "name", "max_score", "method", "is_verified", "order", "evidence",
                  "rule_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["rule_input"].initial = self.instance.rule_display

    def clean(self):
        cleaned = super().clean()
        try:
            rule = parse_rule(cleaned.get("rule_input", ""), cleaned.get("max_score"))
        except RuleError as exc:
            self.add_error("rule_input", str(exc))
        else:
            self.instance.rule = rule.to_data() if rule else {}
        return cleaned


class NodeAdminForm(NodeForm):
    class Meta(NodeForm.Meta):
        fields = ["framework", *NodeForm.Meta.fields]


class FrameworkNodeInline(admin.TabularInline):
    model = FrameworkNode
    form = NodeForm
    extra = 0
    fields = ["code", "parent", "depth", "name", "max_score", "method", "is_verified", "order", "evidence",
              "rule_text", "rule_input"]
    ordering = ["order", "code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Only nodes of the framework being edited can be a parent.
            framework_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = FrameworkNode.objects.filter(framework_id=framework_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.action(description=gettext_lazy("Xuất XLSX"))
def export_xlsx(modeladmin, request: HttpRequest, queryset) -> HttpResponse:
    """One framework: its XLSX; several: a ZIP of one XLSX each."""
    frameworks = list(queryset.select_related("province"))
    if len(frameworks) == 1:
        response = HttpResponse(export_framework(frameworks[0]), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(frameworks[0])}"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for framework in frameworks:
            archive.writestr(export_filename(framework), export_framework(framework))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="bo-chi-so.zip"'
    return response


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "index", "year", "level", "province", "issuer"]
    list_filter = ["index", "level", "year"]
    search_fields = ["name", "basis", "issuer"]
    autocomplete_fields = ["province"]
    inlines = [FrameworkNodeInline]
    actions = [export_xlsx]
    change_list_template = "frameworks/admin_change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("nhap-xlsx/", view, name="frameworks_framework_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a workbook: a new framework, or an update of the chosen one; row errors listed."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors: list[str] = []
        form = CatalogUploadForm(request.POST or None, request.FILES or None,
                                 initial={"into": request.GET.get("into")})
        if request.method == "POST" and form.is_valid():
            result, errors = form.run_import(request.user)
            if result is not None:
                self.message_user(request, imported_message(result), messages.SUCCESS)
                return redirect(reverse("admin:frameworks_framework_change", args=[result.framework.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập bộ chỉ số từ tệp XLSX"),
            "form": form,
            "import_errors": errors,
        }
        return TemplateResponse(request, "frameworks/admin_import.html", context,
                                status=400 if errors else 200)


@admin.register(FrameworkNode)
class FrameworkNodeAdmin(admin.ModelAdmin):
    form = NodeAdminForm  # the rule is typed as text and checked, never edited as raw JSON
    list_display = ["code", "name", "framework", "depth", "max_score", "method", "is_verified", "order"]
    list_display_links = ["code", "name"]
    list_filter = ["framework__index", "framework", "depth", "method", "is_verified"]
    list_editable = ["max_score", "is_verified"]
    search_fields = ["code", "name", "framework__name"]
    autocomplete_fields = ["framework", "parent"]
    list_select_related = ["framework"]


@admin.register(PublishedResult)
class PublishedResultAdmin(admin.ModelAdmin):
    list_display = ["year", "framework", "node", "agency", "province", "score", "max_score", "rank_display"]
    list_filter = ["year", "framework__index", "framework"]
    search_fields = ["agency__name", "agency__code", "province__name", "node__name"]
    autocomplete_fields = ["framework", "node", "agency", "province"]
    list_select_related = ["framework", "node", "agency", "province"]

    @admin.display(description=gettext_lazy("xếp hạng"))
    def rank_display(self, obj: PublishedResult) -> str:
        return obj.rank_display

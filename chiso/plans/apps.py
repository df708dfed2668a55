from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "chiso.plans"
    label = "plans"

    def ready(self):
        from chiso.jobs.api import register

        register("plan_import", "chiso.plans.import_jobs.read_upload")  # scans are read in `chiso jobs`

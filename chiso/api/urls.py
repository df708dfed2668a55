from django.urls import path

from .api import api
from .core import logged

_patterns, _app_name, _namespace = api.urls
app_name = "api"
# Every endpoint logs its calls (token name, answer, time): wrap the views Ninja made.
urlpatterns = [path(str(p.pattern), logged(p.callback), name=p.name) for p in _patterns]

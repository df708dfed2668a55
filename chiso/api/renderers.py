"""JSON answers with Vietnamese letters as they are (not \\u escapes): readable in logs and curl."""

import json

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class Utf8JSONRenderer(JSONRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)

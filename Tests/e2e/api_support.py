"""The HTTP API from outside: a token-holding client (no cookies, no Basic auth) whose every
response is checked against the API's own openapi.json (jsonschema, draft 2020-12).

    api = ApiClient.with_token(server, scope="admin")
    r = api.call("POST", "/events", json={"event_type": "conversation.ended"})   # validated
    assert r.status_code == 202
"""

from __future__ import annotations

import re

import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:hookline:openapi"


def make_token(server, name: str, scope: str) -> str:
    """``hookline tokens create NAME --scope SCOPE``: the token is the only line on stdout."""
    out = server.cli("tokens", "create", name, "--scope", scope).stdout.strip()
    assert re.fullmatch(r"hlk_[A-Za-z0-9_-]{43}", out), out
    return out


class OpenAPI:
    """Finds the documented response for (method, path, status) and validates a body against it."""

    def __init__(self, document: dict):
        self.doc = document
        self.registry = Registry().with_resource(DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012))

    def template_for(self, path: str) -> str:
        for template in self.doc["paths"]:
            pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[0-9]+", re.escape(template)) + "$"
            if re.match(pattern, path):
                return template
        raise AssertionError(f"{path} is not in openapi.json")

    def validate(self, method: str, path: str, response: requests.Response) -> None:
        template = self.template_for(path.split("?")[0])
        operation = self.doc["paths"][template].get(method.lower())
        assert operation, f"{method} {template} is not documented"
        status = str(response.status_code)
        assert status in operation["responses"], f"{method} {template}: status {status} is not documented"
        assert response.headers.get("Cache-Control") == "no-store", f"{method} {path}: Cache-Control {response.headers.get('Cache-Control')}"
        pointer = f"/paths/{template.replace('~', '~0').replace('/', '~1')}/{method.lower()}/responses/{status}"
        documented = operation["responses"][status]
        if "$ref" in documented:
            pointer = documented["$ref"][1:]
            documented = self.resolve(documented["$ref"])
        content = documented.get("content")
        if not content:
            assert not response.content, f"{method} {path}: {status} should have no body"
            return
        media = response.headers.get("Content-Type", "").split(";")[0]
        assert media in content, f"{method} {path}: {status} answered {media}, documented {list(content)}"
        schema_pointer = f"{pointer}/content/{media.replace('/', '~1')}/schema"
        validator = Draft202012Validator({"$ref": f"{DOC_URI}#{schema_pointer}"}, registry=self.registry)
        instance = response.json() if media.endswith("json") else response.text  # text/plain: the metrics
        errors = sorted(validator.iter_errors(instance), key=str)
        assert not errors, f"{method} {path} {status} does not match openapi.json: {errors[0].message} at {list(errors[0].absolute_path)}"

    def resolve(self, ref: str) -> dict:
        node = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node


class ApiClient(requests.Session):
    """A client of ``<mount>/api/v1`` holding only a Bearer token; every answer is validated."""

    def __init__(self, server, token: str | None, openapi: OpenAPI | None = None):
        super().__init__()
        self.base = server.base_url.rstrip("/") + "/api/v1"
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.openapi = openapi or OpenAPI(requests.get(self.base + "/openapi.json", timeout=30).json())

    @classmethod
    def with_token(cls, server, scope: str = "admin", name: str | None = None) -> "ApiClient":
        return cls(server, make_token(server, name or f"{scope} token", scope))

    def call(self, method: str, path: str, *, validate: bool = True, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        r = self.request(method, self.base + path, **kwargs)
        if validate:
            self.openapi.validate(method, path, r)
        return r


def problem(r: requests.Response, status: int) -> dict:
    """Asserts an RFC 9457 problem document with `status` and returns it."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:1000]}"
    assert r.headers["Content-Type"].startswith("application/problem+json"), r.headers["Content-Type"]
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("urn:hookline:problem:")
    return body

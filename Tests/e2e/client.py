"""An HTTP client for the console, as a browser without JavaScript would use it.

    c = server.client()                      # Basic auth as alice
    page = c.page("/new")                    # GET, asserts 200, returns Response
    r = c.submit("/new", {"name": "CRM", "url": "https://example.com/h",
                          "events": ["conversation.started", "conversation.ended"]})
    assert r.status_code == 303
    inventory = c.follow(r)                  # GET the Location

``submit`` GETs the form page (``post_from`` uses a page already loaded),
keeps the form's hidden inputs (``csrf_token``, ``version`` …),
overrides/extends them with ``data`` and POSTs to the form's action with a
same-origin ``Origin`` header. ``post_form`` is the low-level
variant for forged or broken requests (no token, foreign Origin …).
POST responses are never redirected automatically, so tests see the 303.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence, Union
from urllib.parse import urljoin, urlsplit

import requests

from dom import Form, forms

FormData = Union[Mapping[str, object], Sequence[tuple[str, object]]]


def csrf_token(html_or_response: Union[str, requests.Response]) -> str:
    """The value of the first hidden ``csrf_token`` input on the page."""
    html = html_or_response.text if isinstance(html_or_response, requests.Response) else html_or_response
    for form in forms(html):
        for name, value in form.hidden:
            if name == "csrf_token":
                return value
    raise AssertionError("no csrf_token hidden input on the page")


def _pairs(data: FormData | None) -> list[tuple[str, str]]:
    """Form data as (name, value) pairs; list values become repeated fields."""
    if data is None:
        return []
    items: Iterable = data.items() if isinstance(data, Mapping) else data
    pairs = []
    for name, value in items:
        if isinstance(value, (list, tuple)):
            pairs += [(name, str(v)) for v in value]
        elif value is not None:
            pairs.append((name, str(value)))
    return pairs


class Client(requests.Session):
    """A requests.Session rooted at the console's base URL (…/webhooks)."""

    def __init__(self, base_url: str, auth: tuple[str, str] | None = None):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.auth = auth
        self.headers["User-Agent"] = "hookline-e2e"

    def url(self, path: str) -> str:
        """``"/new"`` → ``…/webhooks/new``; absolute URLs are kept."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + path

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 60)
        return super().request(method, self.url(url), *args, **kwargs)

    def page(self, path: str, *, status: int = 200, **kwargs) -> requests.Response:
        """GET a console page and assert its status (redirects not followed)."""
        kwargs.setdefault("allow_redirects", False)
        r = self.get(path, **kwargs)
        assert r.status_code == status, f"GET {path}: {r.status_code}, expected {status}\n{r.text[:2000]}"
        return r

    def follow(self, response: requests.Response, **kwargs) -> requests.Response:
        """GET the ``Location`` of a redirect response."""
        location = response.headers.get("Location")
        assert location, f"{response.status_code} without Location"
        return self.get(urljoin(response.url, location), **kwargs)

    def post_form(self, path: str, data: FormData | None = None, *, token: str | None = None,
                  origin: str | None | bool = True, **kwargs) -> requests.Response:
        """POST urlencoded ``data`` (plus ``csrf_token=token`` if given).

        ``origin``: True sends this server's origin, a string sends that
        value, False/None sends no Origin header.
        """
        pairs = _pairs(data)
        if token is not None:
            pairs.append(("csrf_token", token))
        headers = dict(kwargs.pop("headers", {}) or {})
        if origin is True:
            headers["Origin"] = self.origin
        elif origin:
            headers["Origin"] = origin
        kwargs.setdefault("allow_redirects", False)
        return self.post(path, data=pairs, headers=headers, **kwargs)

    def form(self, path_or_response: Union[str, requests.Response], match: str | int | None = None) -> Form:
        """A form of a page: by index, by action substring, or the first POST form."""
        r = self.page(path_or_response) if isinstance(path_or_response, str) else path_or_response
        found = forms(r.text)
        if isinstance(match, int):
            return found[match]
        for f in found:
            if match is None and f.method == "post":
                return f
            if isinstance(match, str) and f.action and match in f.action:
                return f
        raise AssertionError(f"no form matching {match!r} on {r.url}")

    def submit(self, path: str, data: FormData | None = None, *, form: str | int | None = None,
               keep: str = "hidden", **kwargs) -> requests.Response:
        """Fill and POST a form found on the page at ``path`` (GETs the page first).

        ``keep="hidden"`` starts from the form's hidden inputs; ``"all"`` from
        everything a browser would submit (pre-filled values, checked boxes);
        fields named in ``data`` replace the page's values for that name.
        """
        return self.post_from(self.page(path), data, form=form, keep=keep, **kwargs)

    def post_from(self, page: requests.Response, data: FormData | None = None, *, form: str | int | None = None,
                  keep: str = "hidden", **kwargs) -> requests.Response:
        """Like ``submit``, but with a form of an already loaded ``page``.

        Used to replay what a user had on screen: a stale edit form, a second click.
        """
        f = self.form(page, form)
        base = f.hidden if keep == "hidden" else f.fields
        pairs = _pairs(data)
        override = {n for n, _ in pairs}
        body = [(n, v) for n, v in base if n not in override] + pairs
        action = urljoin(page.url, f.action) if f.action else page.url
        return self.post_form(action, body, **kwargs)

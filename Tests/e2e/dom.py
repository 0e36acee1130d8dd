"""The one way the e2e tests read HTML: a small DOM tree and the queries tests need.

    doc = dom(response.text)
    doc.find("h1").text()                          # text, whitespace collapsed
    doc.find_all("a", rel="next")                  # by tag, class (cls=…) and attributes
    page_text(html)                                # the visible text of a whole page
    tables(html)                                   # [Table(headers, rows=[{header: cell text, "_tr": Node}])]
    forms(html)                                    # [Form(action, method, fields, hidden)] as a browser submits
    field_errors(html)                             # {"name": "Enter a name…"}: messages next to their fields
    links(node)                                    # hrefs of the <a> elements below a node

Built on the standard library's HTMLParser; nothing here knows Hookline's code,
only the HTML a user gets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

#: Elements whose content is not shown as text.
HIDDEN = {"script", "style", "title", "template"}

#: Elements that start a new line when rendered: their text never runs into a neighbour's.
BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
         "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
         "hr", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary", "table",
         "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}


# --------------------------------------------------------------------------
# The tree


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node or str
    parent: "Node | None" = None

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def raw_text(self) -> str:
        """Text content exactly as written (entities decoded), e.g. a <pre> body or an attribute-like value."""
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self, skip: frozenset[str] | set[str] = frozenset()) -> str:
        """Text content with runs of whitespace collapsed; block elements are kept apart by a space.

        ``skip``: tags whose content is left out (``page_text`` skips scripts, styles and the title).
        """
        parts: list[str] = []

        def walk(n: Node) -> None:
            for c in n.children:
                if isinstance(c, str):
                    parts.append(c)
                elif c.tag not in skip:
                    block = c.tag in BLOCK
                    if block:
                        parts.append(" ")
                    walk(c)
                    if block:
                        parts.append(" ")

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def iter(self):
        """Every element below this one, in document order."""
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        """Elements below this one by tag, class and attribute values (``id_="x"`` for Python keywords)."""
        out = []
        for n in self.iter():
            if tag and n.tag != tag:
                continue
            if cls and cls not in n.classes:
                continue
            if any(n.attrs.get(k.rstrip("_")) != v for k, v in attrs.items()):
                continue
            out.append(n)
        return out

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node | None":
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


class _DomBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def dom(html: str) -> Node:
    """The document tree of ``html`` (a ``#document`` node)."""
    b = _DomBuilder()
    b.feed(html)
    b.close()
    return b.root


def _tree(html_or_node: "str | Node") -> Node:
    return html_or_node if isinstance(html_or_node, Node) else dom(html_or_node)


# --------------------------------------------------------------------------
# Queries


def page_text(html_or_node: "str | Node") -> str:
    """The visible text of a page or element: tags stripped, entities decoded, whitespace collapsed,
    no scripts, styles or title."""
    return _tree(html_or_node).text(skip=HIDDEN)


def links(node: Node) -> list[str]:
    """The ``href`` of every link below ``node``, as written."""
    return [a.attrs.get("href", "") for a in node.find_all("a")]


@dataclass
class Table:
    headers: list[str]
    rows: list[dict]


def tables(html_or_node: "str | Node") -> list[Table]:
    """Every <table>: header texts and body rows as {header: cell text, "_cells": [Node], "_tr": Node}."""
    out = []
    for t in _tree(html_or_node).find_all("table"):
        head = t.find("thead")
        headers = [c.text() for c in head.find_all("th")] if head else []
        body_rows = []
        for tbody in t.find_all("tbody"):
            for tr in tbody.find_all("tr"):
                cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
                row = {headers[i] if i < len(headers) else f"#{i}": c.text() for i, c in enumerate(cells)}
                row["_cells"] = cells
                row["_tr"] = tr
                body_rows.append(row)
        out.append(Table(headers, body_rows))
    return out


@dataclass
class Form:
    """A <form> as a browser would submit it."""

    action: str | None
    method: str
    #: (name, value) of every input/select/textarea that a browser would submit
    #: by default: hidden and text inputs, checked boxes, selected options.
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: (name, value) of hidden inputs only.
    hidden: list[tuple[str, str]] = field(default_factory=list)
    node: Node | None = field(default=None, repr=False, compare=False)

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


def _form(node: Node) -> Form:
    form = Form(node.attrs.get("action"), node.attrs.get("method", "get").lower(), node=node)
    for n in node.iter():
        name = n.attrs.get("name")
        if not name or "disabled" in n.attrs:
            continue
        if n.tag == "input":
            kind = n.attrs.get("type", "text").lower()
            value = n.attrs.get("value", "")
            if kind == "hidden":
                form.hidden.append((name, value))
                form.fields.append((name, value))
            elif kind in ("checkbox", "radio"):
                if "checked" in n.attrs:
                    form.fields.append((name, value or "on"))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                form.fields.append((name, value))
        elif n.tag == "select":
            form.fields += [(name, o.attrs.get("value", "")) for o in n.find_all("option")
                            if "selected" in o.attrs and "disabled" not in o.attrs]
        elif n.tag == "textarea":
            form.fields.append((name, n.raw_text()))
    return form


def forms(html_or_node: "str | Node") -> list[Form]:
    """Every <form> of a page, in document order."""
    return [_form(f) for f in _tree(html_or_node).find_all("form")]


def field_errors(html: str) -> dict[str, str]:
    """Field name → the error message shown in the same field container.

    A field's container is its nearest ancestor marked ``has-error``; the message is the
    ``field-error`` element inside that container.
    """
    root = dom(html)
    form = next((f for f in root.find_all("form") if f.find("input", name="name") is not None), root)
    errors: dict[str, str] = {}
    for inp in form.find_all("input"):
        name = inp.attrs.get("name")
        if not name or name in errors or inp.attrs.get("type") == "hidden":
            continue
        for anc in inp.ancestors():
            if "has-error" in anc.classes:
                msg = anc.find(cls="field-error")
                if msg is not None:
                    errors[name] = msg.text()
                break
            if anc.tag == "form":
                break
    return errors

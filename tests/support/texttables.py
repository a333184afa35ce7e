"""Reading a text alternative's HTML tables (views/texttable.py) as a screen reader meets them."""

from html.parser import HTMLParser


class Tables(HTMLParser):
    """The tables of an HTML text: how many, their captions, every header cell's scope, and each
    table's rows as lists of cell texts (the row header first)."""

    def __init__(self, text):
        super().__init__()
        self.tables, self.captions, self.scopes, self.rows = 0, [], [], []
        self._in_caption, self._cell = False, None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
            self.rows.append([])
        elif tag == "caption":
            self._in_caption = True
            self.captions.append("")
        elif tag == "tr":
            self.rows[-1].append([])
        elif tag in ("th", "td"):
            if tag == "th":
                self.scopes.append(dict(attrs).get("scope"))
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            self.rows[-1][-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self.captions[-1] += data
        elif self._cell is not None:
            self._cell += data

    def body(self, index=0):
        """{row header: [the row's other cells]} of table ``index``, its column headers left out."""
        return {row[0]: row[1:] for row in self.rows[index][1:]}


def assert_accessible_tables(text, what):
    """Real tables: each with a caption, every header cell scoped, rows named by row headers."""
    tables = Tables(text)
    assert tables.tables, f"{what}: no table"
    assert len(tables.captions) == tables.tables and all(c.strip() for c in tables.captions), \
        f"{what}: a table without a caption ({tables.captions})"
    assert tables.scopes and set(tables.scopes) <= {"col", "row"}, f"{what}: a header cell without a scope"
    assert "row" in tables.scopes, f"{what}: no row headers"
    return tables

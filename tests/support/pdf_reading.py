"""A drawn brief read back with pypdf: its pages' text and its outline."""

import io

from pypdf import PdfReader


def pdf_reader(pdf: bytes, *, strict: bool = False) -> PdfReader:
    return PdfReader(io.BytesIO(pdf), strict=strict)


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text, with every run of whitespace made one space."""
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def outline_titles(reader: PdfReader) -> list:
    """The outline's titles; pypdf lists an entry's children as a list right after it."""

    def walk(items):
        out = []
        for item in items:
            if isinstance(item, list):
                out.append(walk(item))
            else:
                out.append(item.title)
        return out

    return walk(reader.outline)

"""Reading a generated PDF's text back with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import NameObject, StreamObject


def text_of(pdf: bytes) -> str:
    """All the text, through each font's ToUnicode map, whitespace removed.

    fpdf2 2.8 gives a CID-keyed CFF font (our Noto subset) an embedded CMap stream as its
    /Encoding; pypdf 7 then reads the two-byte codes one byte at a time (poppler's
    pdftotext reads them right). The codes are two bytes wide and the ToUnicode map is keyed
    by them, so the fonts are read as Identity-H here, in memory only.
    """
    reader = PdfReader(io.BytesIO(pdf))
    texts = []
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():  # type: ignore[index]
            font = ref.get_object()
            if isinstance(font.get("/Encoding", NameObject("/x")).get_object(), StreamObject):
                font[NameObject("/Encoding")] = NameObject("/Identity-H")
        texts.append(page.extract_text())
    return "".join("".join(texts).split())

"""Views for people: file summaries, the loop tree as text, lossless JSON, XML."""

from edi.inspect._info import FileInfo, file_info, render_info
from edi.inspect._json import from_json, to_document, to_json
from edi.inspect._json_read import JsonInputError, write_x12
from edi.inspect._text import inspect_lines
from edi.inspect._xml import to_xml, write_xml

__all__ = ["FileInfo", "JsonInputError", "file_info", "from_json", "inspect_lines", "render_info", "to_document", "to_json", "to_xml", "write_x12", "write_xml"]

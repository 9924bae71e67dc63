"""The site's HTML skeletons, stylesheet and script, shipped as package data."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template

ASSETS = ("review.css", "review.js")


@cache
def text(name: str) -> str:
    """The file `name` of this folder."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


def template(name: str) -> Template:
    """The skeleton `name`, to be filled in with `$names`."""
    return Template(text(name))

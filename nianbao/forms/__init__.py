"""The official forms as data: `form-*.toml` and `prose.toml` beside this module.

These files are the only place nianbao writes a label, a figure key or a check of the official
forms; recognition, table mapping, checks, export columns and the schema's figure keys are all
derived from them (`spec`). `NIANBAO_FORMS=DIR` loads the forms from another folder instead, to
try a province's wording or a new form without touching the installed package.

The ground floor with `errors`: imports nothing else of nianbao's, and everything above asks
it what a form's equations mean (`equations`: which alternative a report prints, their value;
`Forms.instances`: a check repeated over its table's rows or columns).
"""

import os
from pathlib import Path

from nianbao.errors import FormSpecError
from nianbao.forms.files import FORMS_DIR, load
from nianbao.forms.spec import (
    WRITTEN_YEAR,
    CheckSpec,
    Form,
    Forms,
    Instance,
    Label,
    ProseFigure,
    SectionKey,
    Statistics,
    TableSpec,
    Titles,
)

ENVIRONMENT = "NIANBAO_FORMS"


def _from_environment() -> Forms:
    """The forms of `NIANBAO_FORMS`, else the installed ones.

    A broken file there is the user's to fix, so it raises `FormSpecError` (exit 78) naming
    the file, the problem and where the folder was named: it is raised on the first import of
    this package, which every command that converts or reads reports makes, and a library user
    meets it as a `NianbaoError` from the call that needed the forms.
    """
    directory = os.environ.get(ENVIRONMENT)
    if not directory:
        return load()
    try:
        return load(Path(directory))
    except FormSpecError as exc:
        raise FormSpecError(f"{exc.message} (the forms of {ENVIRONMENT}={directory})") from exc


#: The forms nianbao uses.
FORMS: Forms = _from_environment()

__all__ = [
    "ENVIRONMENT",
    "FORMS",
    "FORMS_DIR",
    "WRITTEN_YEAR",
    "CheckSpec",
    "Form",
    "FormSpecError",
    "Forms",
    "Instance",
    "Label",
    "ProseFigure",
    "SectionKey",
    "Statistics",
    "TableSpec",
    "Titles",
    "load",
]

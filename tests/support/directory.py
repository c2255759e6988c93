"""The HR directory's CSV files, as a spreadsheet exports them."""

import csv
import io

from intranet.accounts.importers import DIRECTORY_HEADER as HEADER

EDUCATION = "Direction de l'éducation"
SCHOOLS = "Service des écoles"


def row(
    matricule,
    last_name,
    first_name,
    email,
    direction=EDUCATION,
    service=SCHOOLS,
    job_title="Agent",
    arrival="01/09/2015",
    manager="",
):
    return [
        matricule,
        last_name,
        first_name,
        email,
        direction,
        service,
        job_title,
        arrival,
        manager,
    ]


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8-sig", newline="\n"):
    """The bytes of a CSV file, as a spreadsheet would export it."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=newline)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)

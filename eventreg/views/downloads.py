"""Files the app sends: course materials, whoever may have them."""

from flask import abort, redirect, send_file

from eventreg.models import Material
from eventreg.services import materials


def send_material(material: Material | None):
    """A link goes to its address; a file is sent to save, never shown in the browser."""
    if material is None:
        abort(404)
    if material.url:
        return redirect(material.url)
    response = send_file(
        materials.path_of(material),
        mimetype=material.content_type,
        as_attachment=True,
        download_name=material.filename,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response

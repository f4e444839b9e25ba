"""An event's materials: links and files for those who took part (or, if public, for anyone)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventreg.extensions import csrf
from eventreg.forms.common import ButtonForm
from eventreg.forms.materials import MaterialFileForm, MaterialLinkForm
from eventreg.models import Role
from eventreg.services import followups, materials
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.admin.events import get_event
from eventreg.views.downloads import send_material
from eventreg.views.forms import run, status


@bp.route("/evenemang/<int:event_id>/material", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
@csrf.exempt  # checked below, once the post may be as large as an upload
def event_materials(event_id: int):
    event = get_event(event_id)
    # Uploads may be larger than any other post (MATERIAL_MAX_MB): before the form is read.
    request.max_content_length = materials.max_bytes() + 64 * 1024
    if request.method == "POST":
        csrf.protect()
    link_form, file_form = MaterialLinkForm(prefix="link"), MaterialFileForm(prefix="file")
    if link_form.validate_on_submit() and run(
        lambda: materials.add_link(
            event.id, link_form.link_title.data, link_form.url.data, current_user
        ),
        form=link_form,
        success="Länken är tillagd.",
    ):
        return redirect(url_for(".event_materials", event_id=event.id))
    if file_form.validate_on_submit() and run(
        lambda: materials.add_file(
            event.id,
            file_form.file_title.data,
            file_form.file.data.filename or "",
            _read(file_form.file.data),
            current_user,
        ),
        form=file_form,
        success="Filen är uppladdad.",
    ):
        return redirect(url_for(".event_materials", event_id=event.id))
    return render_template(
        "admin/materials.html",
        event=event,
        materials=materials.materials_of(event.id),
        link_form=link_form,
        file_form=file_form,
        form=ButtonForm(),
    ), status(link_form, file_form)


def _read(upload) -> bytes:
    """An uploaded file's bytes; a large one lies in a temporary file until closed."""
    with upload.stream as stream:
        return stream.read()


@bp.post("/evenemang/<int:event_id>/material/<int:material_id>/<any(offentligt, internt):shown>")
@requires(Role.COORDINATOR)
def material_shown(event_id: int, material_id: int, shown: str):
    if ButtonForm().validate_on_submit():
        run(
            lambda: materials.set_public(
                event_id, material_id, shown == "offentligt", current_user
            ),
            success="Ändrat.",
        )
    return redirect(url_for(".event_materials", event_id=event_id))


@bp.post("/evenemang/<int:event_id>/material/<int:material_id>/ta-bort")
@requires(Role.COORDINATOR)
def remove_material(event_id: int, material_id: int):
    if ButtonForm().validate_on_submit():
        removed = run(lambda: materials.remove(event_id, material_id, current_user))
        if removed:
            flash(f"{removed.title} är borttaget.", "success")
    return redirect(url_for(".event_materials", event_id=event_id))


@bp.get("/evenemang/<int:event_id>/material/<int:material_id>")
@requires(Role.COORDINATOR)
def material(event_id: int, material_id: int):
    return send_material(materials.get(get_event(event_id).id, material_id))


@bp.post("/evenemang/<int:event_id>/material/till-franvarande")
@requires(Role.COORDINATOR)
def materials_to_absent(event_id: int):
    if (
        ButtonForm().validate_on_submit()
        and (sent := run(lambda: followups.send_materials_to_absent(event_id, current_user)))
        is not None
    ):
        flash(f"Materialet skickas till {sent} som inte kom.", "success")
    return redirect(url_for(".event_materials", event_id=event_id))

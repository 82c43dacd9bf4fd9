"""Link the agreements already recorded from accepted answers to their answers.

Before 0003 the board found an answer's agreements by the rule below, so linking by the same rule keeps
every agreement the board showed. Where two needs of the same title join the same two organisations,
the old rule could not tell them apart: their agreements are linked to both answers, as they were shown.
"""

from django.db import migrations

#: ``selectors_board.AGREEMENT_KINDS`` as values, frozen at this migration
BOARD_KINDS = ("intent", "cooperation")


def link_agreements_by_title(apps, schema_editor):
    """Each answer gets the agreements of a board kind, titled after its need, between exactly the
    poster and the answering organisation."""
    NeedAnswer = apps.get_model("network", "NeedAnswer")
    Agreement = apps.get_model("registry", "Agreement")
    for answer in NeedAnswer.objects.select_related("need").order_by("pk"):
        parties = {answer.need.organisation_id, answer.organisation_id}
        candidates = (
            Agreement.objects.filter(title=answer.need.title, kind__in=BOARD_KINDS)
            .filter(parties=answer.need.organisation_id)
            .filter(parties=answer.organisation_id)
            .prefetch_related("parties")
        )
        answer.agreements.add(*[a for a in candidates if {p.pk for p in a.parties.all()} == parties])


class Migration(migrations.Migration):
    dependencies = [("network", "0003_answer_agreements")]
    operations = [migrations.RunPython(link_agreements_by_title, migrations.RunPython.noop)]

"""The message guidance sends."""

from notifications.kinds import Kind, register

REVIEW_DUE = register(
    Kind(
        key="guidance.review_due",
        label="Guidance: a page's review is due",
        description="Sent 30 days before a guidance page's yearly review falls due, to the person who keeps it "
        "(or the programme managers when nobody is named).",
        subject="Time to review “{{ title }}” (due {{ due }})",
        body="""Dear {{ recipient.first_name }},

The guidance page “{{ title }}” is due for its review by {{ due }}. Compare it with peer
institutions' guidelines, then record the review (and publish a new version if it needs one):
{{ link }}""",
    )
)

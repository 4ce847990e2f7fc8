"""Why something the user made was not carried as it was: a reason with its particulars, said in the
console in English and on the Review tab in the workbook's edition (model/labels review.why_*)."""
from __future__ import annotations

from ..labels import Labels


class Why:
    """A reason: a label id (review.why_<key>) and the values it names."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def text(self, t) -> str:
        """The reason in the edition of `t` (a model.labels.Labels); a reason inside another, likewise."""
        params = {k: v.text(t) if isinstance(v, Why) else v for k, v in self.params.items()}
        if self.key == "part":
            params["part"] = t.texts.get(f"review.part_{params['part']}") or t("review.part_other", kind=params["part"])
        return t(f"review.why_{self.key}", **params)

    def __str__(self):
        return self.text(ENGLISH)


ENGLISH = Labels("en")

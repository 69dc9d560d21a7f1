"""An erased leaver's training records stay (the training report counts their hours); what they
wrote about them and their evidence files go."""

from core import privacy

privacy.register("development.TrainingRecord", erase={"reflection": "", "evidence": ""})

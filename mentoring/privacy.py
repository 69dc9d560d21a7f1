"""An erased leaver's mentoring stays counted; the words written by and about them go."""

from core import privacy

privacy.register("mentoring.Meeting", erase={"notes": ""})
privacy.register("mentoring.Feedback", erase={"comments": ""})

from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "promotions"
    verbose_name = "Promotions"

    def ready(self):
        # The mentoring suggestion "promoted to the grade you aim for in the last 3 years".
        from mentoring.matching import register_signal

        from .mentoring import PROMOTED_RECENTLY, load_promoted_recently, promoted_to_your_next_grade

        register_signal(PROMOTED_RECENTLY, promoted_to_your_next_grade, load_promoted_recently)

from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Professional registration"

    def ready(self):
        # Mentoring suggests mentors who hold the register a mentee is working towards.
        from mentoring.matching import register_signal

        from .signals import NAME, load, registered_as

        register_signal(NAME, registered_as, load)

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The national-scale data set (`seed_scale`) and the benchmark (`bench`); no models, no pages."""

    name = "bench"
    verbose_name = "Benchmark"

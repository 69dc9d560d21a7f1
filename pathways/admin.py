from django.contrib import admin

from .models import Framework, FrameworkVersion, Pathway, PathwayVersion


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    list_display = ["title", "institution", "job_family", "published", "version"]


@admin.register(PathwayVersion)
class PathwayVersionAdmin(admin.ModelAdmin):
    list_display = ["pathway", "number", "saved_at", "note"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "institution"]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["framework", "number", "loaded_at", "file_name"]

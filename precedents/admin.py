from django.contrib import admin

from .models import TreatmentCategory


@admin.register(TreatmentCategory)
class TreatmentCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "keyword_count"]
    list_editable = ["position"]
    search_fields = ["name", "keywords"]

    @admin.display(description="Keywords")
    def keyword_count(self, category):
        return len(category.keyword_list())

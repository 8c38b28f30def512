from django.core.management.base import BaseCommand
from django.db import connection

from precedents.services import precedent_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the precedent search index and the analytics counts from every case's current determination "
        "(after editing treatment categories, or to repair the index)."
    )

    def handle(self, *args, **options):
        total = precedent_index_rebuild(progress=lambda n: self.stdout.write(f"{n} items indexed…"))
        if connection.vendor == "postgresql":
            # Suggestions weigh words by the lexeme statistics ANALYZE keeps on the search vector: refresh them now.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE precedents_precedentitem")
        self.stdout.write(self.style.SUCCESS(f"Precedent index rebuilt: {total} decided items."))

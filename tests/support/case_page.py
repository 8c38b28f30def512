"""The admin's case page as a person sees it once htmx has loaded its panels (``cases.admin.panels``)."""

from django.urls import reverse

from cases.admin.panels import PANELS


def case_page_with_panels(client, case) -> str:
    """The change page's HTML followed by each panel's, fetched as the page's placeholders fetch them."""
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200
    parts = [response.content.decode()]
    for name in PANELS:
        panel = client.get(reverse("admin:cases_case_panel", args=[case.pk, name]))
        assert panel.status_code == 200, name
        parts.append(panel.content.decode())
    return "\n".join(parts)

"""Template pieces every app's pages share: `{% load pages %}{% pagination page %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.inclusion_tag("core/_pagination.html", takes_context=True)
def pagination(context: template.Context, page: Page[Any], target: str = "") -> dict[str, Any]:
    """Links to the pages of a list that keep its filters; with `target` (a CSS selector), htmx
    swaps only that element and pushes the URL."""
    return {
        "request": context.get("request"),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "target": target,
    }

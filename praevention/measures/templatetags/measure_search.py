"""`{{ measure.title|highlight:request.GET }}`: the words the list's search found, marked."""

from django import template

from praevention.measures import search

register = template.Library()


@register.filter
def highlight(text, query):
    """`text` escaped, with the parts the query's words were found in wrapped in <mark>.

    `query` is the search text, or the request's GET parameters (their "q"; a missing key in
    a filter argument would be an error in a template).
    """
    if hasattr(query, "get"):
        query = query.get("q", "")
    return search.highlight(text, query if isinstance(query, str) else "")

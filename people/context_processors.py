from core import portal

from . import roles


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    links = portal.nav_links_for(user)
    menus = {}
    top = []
    for link in links:
        if link.menu:
            if link.menu not in menus:
                menus[link.menu] = []
                top.append((link.menu, menus[link.menu]))
            menus[link.menu].append(link)
        else:
            top.append((None, link))
    # The outbox's pages list messages of the viewer's institution scope: an account with no staff
    # record (a training provider's assessor) has none, and is reached by e-mail only.
    has_messages = roles.has_profile(user) or user.is_superuser
    return {"nav_items": top, "user_roles": roles.roles_of(user), "has_messages": has_messages}

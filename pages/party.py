"""党建共建: every metric of the theme charted against its target, with its evidence."""

from ui.entry import page_view
from ui.theme import theme_page

theme_page(page_view(), "party")

"""文体教育: every metric of the theme charted against its target, with its evidence."""

from ui.theme import theme_page

theme_page("culture")

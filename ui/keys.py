"""Every st.session_state key the app reads or writes, defined once.

Keys that only name a widget nobody reads back (buttons, downloads) stay where the widget is drawn.
Modules import the names from here; the strings appear nowhere else in the app (tests may spell
`_view` and `_pdf` out to read what the app kept).
"""

from __future__ import annotations

# the sidebar's choices
LANG = "lang"
SOURCE = "source"  # "book" | "snapshot" | "sample"
SNAPSHOT = "snapshot_id"
PENDING_SOURCE = "pending_source"  # set by a page, applied before the sidebar's widget is drawn
PROJECTOR = "meeting_projector"  # the sidebar's projector switch (the URL is the truth)

# what the session computed or kept
VIEW = "_view"  # the state.View of the last full run (tests read it)
UPLOAD = "upload_dataset"  # unused since the ledger book (kept: old sessions may hold it)
ATTEMPT = "upload_attempt"  # the last upload tried (UploadOutcome), accepted or not
UPLOAD_DIGEST = "_upload_digest"  # the files last received, so a rerun does not read them again
UPLOADER_NONCE = "_uploader_nonce"  # bumped to give the uploader a fresh, empty widget
BOOK_CACHE = "_book_cache"  # the ledger book as read for this session (a Dataset)
BOOK_DONE = "_book_done"  # (kind, message) shown once after accepting, discarding or rolling back
BOOK_SNAPSHOT_NOTICE = "_book_snapshot_notice"  # the meeting snapshot just saved, said once
MEETING_SNAPSHOT_MONTH = "_meeting_snapshot_month"  # the month this session froze (or tried) the book
BASELINE_CACHE = "_baseline_cache"  # {content id: frames}: the snapshot the change is measured from
SNAPSHOT_CACHE = "_snapshot_cache"  # {id: Dataset}: the open snapshot, read from SQLite once per session
SNAPSHOT_CONFIRM = "_snapshot_confirm_delete"  # the snapshot id whose deletion is being confirmed
SNAPSHOT_DELETED = "_snapshot_deleted"  # (deleted id, id now shown or None, error), one message next run
PDF = "_pdf"  # (what it shows, bytes): the PDF generated for exactly that view
PDF_MISSING = "_pdf_missing"  # what the PDF lacks on this machine, asked once per session
MEETING_ERROR = "_meeting_error"  # an action item that could not be saved, shown once

# the password
UNLOCKED = "auth_unlocked"  # the office password was given this session
AUTH_WRONG = "_auth_wrong"  # (form, wait s, locked out) of the last wrong or refused try, shown once

# the logged-in user of a hub (DASHBOARD_HUB): who, in which role, of which community; never a password
USER_ID = "auth_user_id"
USER_ROLE = "auth_user_role"  # store.users.Role's value
USER_COMMUNITY = "auth_user_community"  # the user's community id; None for the street's role
VIEW_COMMUNITY = "street_view_community"  # the community the street's administrator opened, read-only
LOGIN_USERNAME = "auth_login_username"
LOGIN_PASSWORD = "auth_login_password"  # emptied by the login form's callback, never kept
LOGIN_WRONG = "_auth_login_wrong"  # (wait s, locked out, checked) of the last failed login, shown once
USERS_NOTICE = "_users_notice"  # the 用户管理 page's last done/refused message, shown once


def password_field(where: str) -> str:
    """The password input of the unlock form at ``where`` (emptied by its callback, never kept)."""
    return f"auth_pw_{where}"


def lang_stamp(widget_key: str) -> str:
    """The language a choice widget's labels were last drawn in (see state.choice)."""
    return f"_lang_of:{widget_key}"


def users_field(name: str) -> str:
    """A field of the 用户管理 page's forms (its password fields are emptied by their callbacks)."""
    return f"users_{name}"

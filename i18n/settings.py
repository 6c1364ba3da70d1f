"""Messages of the settings module (settings.py): why the board refuses to run."""

MESSAGES: dict[str, tuple[str, str]] = {
    "settings.stopped": ("看板没有启动：设置有误", "The board is stopped: a setting is wrong"),
    "settings.fix": ("为安全起见，设置改正之前看板不显示任何内容。改正后刷新本页即可。",
                     "For safety the board shows nothing until the setting is corrected; then reload this page."),
    "settings.error.unreadable": ("密钥文件无法读取（{error}）。常见原因：true/false 以外的值没有加引号，例如应写 "
                                  "protect_viewing = true、password = \"…\"。",
                                  "The secrets file cannot be read ({error}). Usually a value without quotes: write "
                                  "protect_viewing = true, password = \"…\"."),
    "settings.error.not_text": ("设置 {name} 必须是加引号的文字，现在是 {value}。",
                                "The setting {name} must be quoted text; it is {value}."),
    "settings.error.not_flag": ("设置 {name} 只能是 true 或 false，现在是 {value}。",
                                "The setting {name} must be true or false; it is {value}."),
    "settings.error.not_count": ("设置 {name} 必须是正整数，现在是 {value}。",
                                 "The setting {name} must be a whole number of at least 1; it is {value}."),
    "settings.error.not_megabytes": ("设置 {name} 必须是 0 或正整数（MB），现在是 {value}。",
                                     "The setting {name} must be a whole number of MB, 0 or more; it is {value}."),
    "settings.error.not_hosts": ("设置 {name} 必须是主机名的列表，例如 [\"board.office.lan\"]，现在是 {value}。",
                                 "The setting {name} must be a list of host names such as [\"board.office.lan\"]; "
                                 "it is {value}."),
    "settings.error.unknown": ("密钥文件里有未知的设置 {name}（可用的有：{known}）。也许是拼写错误；"
                               "拼错的 password 会让看板无密码开放，所以看板不运行。",
                               "The secrets file has an unknown setting {name} (known: {known}). Perhaps a typo; "
                               "a misspelt password would leave the board open, so it does not run."),
    "settings.error.protect_without_password": ("设置了 protect_viewing = true，却没有设置 password：看板不会无密码开放，"
                                                "请在密钥文件里加上 password = \"…\"。",
                                                "protect_viewing = true is set but no password: the board will not "
                                                "run open; add password = \"…\" to the secrets file."),
}

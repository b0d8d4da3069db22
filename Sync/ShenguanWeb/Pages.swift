import ShenguanReplica

/// Who is looking at a page: the department, its role, the signed-in staff
/// member (nil on the sign-in page).
public struct PageContext: Sendable {
    public let departmentName: String
    /// approval, regulator, notary, oversight.
    public let role: String
    public let user: SignedIn?

    public init(departmentName: String, role: String, user: SignedIn?) {
        self.departmentName = departmentName; self.role = role; self.user = user
    }
}

/// The pages of 审管工作台, server-rendered, in Chinese. Pure: views in,
/// HTML out (tested without a server).
public enum Pages {
    /// The frame of every page: title, navigation, the signed-in staff
    /// member, a notice and an error box.
    public static func layout(_ title: String, _ ctx: PageContext, notice: String? = nil, error: ReplicaError? = nil, _ body: HTML) -> HTML {
        var nav: [HTML] = []
        if let user = ctx.user {
            var links: [(String, String)] = [("/inbox", "待办"), ("/history", "全部事项")]
            if ctx.role == "approval" { links += [("/approve", "审批信息推送"), ("/inquire", "函询")] }
            if ctx.role == "regulator" { links.append(("/supervise", "监管信息推送")) }
            links += [("/warnings", "预警名单"), ("/stats", "统计"), ("/sync", "同步状态")]
            nav = links.map { "<a href=\"\($0.0)\"\(HTML(raw: $0.1 == title ? " aria-current=\"page\"" : ""))>\($0.1)</a>" }
            nav.append("""
                <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="\(user.csrf)">\
                <span class="who">\(user.name)（工号 \(user.staffNo)）</span><button type="submit" class="link">退出</button></form>
                """)
        }
        return """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · 审管工作台 · \(ctx.departmentName)</title>
            <link rel="stylesheet" href="/assets/app.css"></head>
            <body><a class="skip" href="#main">跳到正文</a><header><div class="brand">审管工作台 <small>\(ctx.departmentName)</small></div>
            <nav aria-label="主菜单">\(nav)</nav></header>
            <main id="main"><h1>\(title)</h1>
            \(notice.map { HTML("<p class=\"notice\" role=\"status\">\($0)</p>") })
            \(error.map(errorBox))
            \(body)</main>
            <footer>审管互动 · 每项操作均经本部门密钥签名，可离线核验</footer>
            <script src="/assets/app.js" defer></script></body></html>
            """
    }

    /// A refusal: the clerk's sentence, the stable code in small print.
    public static func errorBox(_ e: ReplicaError) -> HTML {
        "<div class=\"error\" role=\"alert\"><p>\(e.chinese)</p>\(HTML.when(e.chineseIsGeneral, "<p class=\"detail\">\(e.message)</p>"))<p class=\"code\">错误代码 <code>\(e.code)</code></p></div>"
    }

    public static func login(_ ctx: PageContext, staffNo: String = "", error: ReplicaError? = nil, plainHTTP: Bool = false) -> HTML {
        layout("登录", ctx, notice: plainHTTP ? "本页面未经 HTTPS 访问：浏览器不会保存登录状态。请通过本部门的 HTTPS 地址访问，或在本机使用 127.0.0.1。" : nil,
               error: error, """
            <form method="post" action="/login" class="card narrow">
            <label>工号 <input name="staff" value="\(staffNo)" autocomplete="username" required autofocus></label>
            <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">登录</button>
            <p class="hint">账号由本部门管理员设置：<code>shenguan staff password 工号</code></p>
            </form>
            """)
    }

    /// A hidden anti-forgery field for a signed-in form.
    static func csrf(_ ctx: PageContext) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(ctx.user?.csrf ?? "")\">"
    }

    static func short(_ hex: String) -> String { String(hex.prefix(12)) }
}

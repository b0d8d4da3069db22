"""审管工作台 in a real browser (issue 16).

Debian's chromium, headless, driven by chromedriver through Selenium,
against two real `shenguan serve --ui` processes (the bureau and the market
regulator) on loopback, with real replicas made by `shenguan demo`: sign in,
issue and push an approval, see it arrive after a sync, claim it, watch it
turn 按时认领 once the bureau's witness comes back, record a penalty that the
bureau sees after its sync, check and download an evidence bundle and verify
it offline with both verifiers, and see refusals in Chinese. Every page
visited is saved as a screenshot (SCREENSHOT_DIR, default
.build/browser-screenshots).

Waits are on conditions in the page (WebDriverWait), never on time.
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SHENGUAN_BIN", os.path.join(ROOT, ".build", "debug"))
SHOTS = os.environ.get("SCREENSHOT_DIR", os.path.join(ROOT, ".build", "browser-screenshots"))
PASS = "shenguan-demo"
sys.path.insert(0, os.path.join(ROOT, "Tools", "verify-py"))
from shenguan_workflow import CREDIT_ALPHABET, CREDIT_WEIGHTS  # noqa: E402


def credit_code(first17):
    """GB 32100-2015: the 18th character checks the first 17."""
    s = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return first17 + CREDIT_ALPHABET[(31 - s % 31) % 31]


class Workbench(unittest.TestCase):
    procs = []
    weights = {}
    timings = {}

    @classmethod
    def sh(cls, *args, home=None, env=None):
        cmd = [os.path.join(BIN, "shenguan"), *args] + (["--home", home] if home else [])
        e = dict(os.environ, SHENGUAN_PASSPHRASE=PASS, **(env or {}))
        e.pop("SHENGUAN_NOW", None)
        r = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r.stdout

    @classmethod
    def serve(cls, home):
        e = dict(os.environ, SHENGUAN_PASSPHRASE=PASS)
        e.pop("SHENGUAN_NOW", None)
        p = subprocess.Popen([os.path.join(BIN, "shenguan"), "serve", "--home", home, "--listen", "127.0.0.1:0", "--ui", "127.0.0.1:0"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=e)
        cls.procs.append(p)
        urls = {}
        while len(urls) < 2:   # the servers print their addresses once bound
            line = p.stdout.readline()
            if not line:
                raise AssertionError(f"serve {home} exited ({p.wait()})")
            if line.startswith("listening on "):
                urls["sync"] = line.split()[-1]
            if line.startswith("web interface on "):
                urls["ui"] = line.split()[-1].rstrip("/")
        return urls

    @classmethod
    def setUpClass(cls):
        os.makedirs(SHOTS, exist_ok=True)
        cls.tmp = tempfile.mkdtemp(prefix="shenguan-browser-")
        demo = os.path.join(cls.tmp, "demo")
        cls.sh("demo", "--dir", demo)
        cls.bureau, cls.market = os.path.join(demo, "bureau"), os.path.join(demo, "market")
        # Staff valid for years (the demo's own staff end with 2026).
        for home, no, name in [(cls.bureau, "B101", "陈静"), (cls.market, "M201", "刘洋")]:
            cls.sh("staff", "add", "--staff-no", no, "--name", name, "--office", "窗口", "--from", "2026-01-01", "--until", "2035-12-31", home=home)
            cls.sh("staff", "password", no, home=home, env={"SHENGUAN_STAFF_PASSWORD": f"pw-{no}-2026"})
        cls.b, cls.m = cls.serve(cls.bureau), cls.serve(cls.market)
        cls.sh("peers", "add", cls.m["sync"], home=cls.bureau)
        cls.sh("peers", "add", cls.b["sync"], home=cls.market)
        opts = webdriver.ChromeOptions()
        for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=zh-CN"]:
            opts.add_argument(a)
        driver = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
        cls.bd = webdriver.Chrome(service=Service(driver), options=opts)   # the bureau's clerk
        cls.md = webdriver.Chrome(service=Service(driver), options=opts)   # the market regulator's clerk
        cls.licence = "JY1371502BROWSER1"
        cls.code = credit_code("91371502MA3BRW5E1")

    @classmethod
    def tearDownClass(cls):
        with open(os.path.join(SHOTS, "measures.json"), "w") as f:
            json.dump({"page_weight_bytes": cls.weights, "timings": cls.timings}, f, ensure_ascii=False, indent=1)
        for d in (getattr(cls, "bd", None), getattr(cls, "md", None)):
            if d:
                d.quit()
        for p in cls.procs:
            p.terminate()
            p.wait(timeout=30)

    # -- helpers ----------------------------------------------------------

    def shot(self, d, name):
        d.save_screenshot(os.path.join(SHOTS, f"{name}.png"))
        # Every page: nothing fetched from elsewhere (the machine may be
        # offline), and the page with what it loaded under 200 KB (issue 16).
        origin = d.execute_script("return location.origin")
        entries = d.execute_script(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
            ".map(e => [e.name, e.decodedBodySize || 0])")
        foreign = [u for u, _ in entries if not (u.startswith(origin) or u.startswith("data:"))]
        self.assertEqual(foreign, [], f"{name}: requests to another origin")
        weight = sum(n for _, n in entries)
        self.assertLess(weight, 200 * 1024, f"{name}: page weight {weight} bytes")
        self.weights[name] = weight

    def wait(self, d, css):
        try:
            return WebDriverWait(d, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
        except Exception:
            raise AssertionError(f"{css} never appeared on {d.current_url}: {self.text(d)[:600]}") from None

    def wait_notice(self, d, text):
        """Until the page (the new one, not the one the click left) shows a notice with `text`."""
        self.wait_text(d, ".notice", text)

    def wait_text(self, d, css, text):
        """Until an element matching `css` shows `text` (on the page a click leads to)."""
        def shown(drv):
            try:
                return any(text in e.text for e in drv.find_elements(By.CSS_SELECTOR, css))
            except WebDriverException:   # stale: the page is being replaced
                return False
        try:
            WebDriverWait(d, 30).until(shown)
        except TimeoutException:
            raise AssertionError(f"{css} {text} never appeared on {d.current_url}: {self.text(d)[:600]}") from None

    def sign_in(self, d, base, staff, password):
        d.get(base + "/login")
        d.find_element(By.NAME, "staff").send_keys(staff)
        d.find_element(By.NAME, "password").send_keys(password)
        d.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()

    def sync(self, d, base, name):
        d.get(base + "/sync")
        d.find_element(By.CSS_SELECTOR, "form[action='/sync'] button").click()
        results = self.wait(d, "ul.results")
        self.assertIn("同步完成", results.text)
        self.assertNotIn("同步失败", results.text)
        self.shot(d, name)

    def on_time_this_month(self, d):
        """按时认领 of this month in the 统计 page's table of pushes this department received."""
        month = f"{datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).month}月"
        section = next(x for x in d.find_elements(By.CSS_SELECTOR, "section.stats") if "本部门收到的推送" in x.text)
        for row in section.find_elements(By.CSS_SELECTOR, "table.numbers tbody tr"):
            cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
            if cells[0] == month:
                return int(cells[2])
        return 0

    def text(self, d):
        return d.find_element(By.TAG_NAME, "body").text

    # -- the scenario, in order ------------------------------------------

    def test_workbench(self):
        bd, md, B, M = self.bd, self.md, self.b["ui"], self.m["ui"]

        # A wrong password: the Chinese sentence, the code in small print, no session.
        self.sign_in(md, M, "M201", "not-the-password")
        err = self.wait(md, ".error")
        self.assertIn("工号或密码不正确", err.text)
        self.assertIn("account.bad_credentials", err.text)
        self.shot(md, "01-login-refused")
        md.get(M + "/inbox")
        self.wait(md, "form[action='/login']")   # still signed out

        # The bureau issues and pushes an approval (R1, R2).
        self.sign_in(bd, B, "B101", "pw-B101-2026")
        self.wait(bd, "nav a[href='/approve']")
        self.assertIn("陈静", self.text(bd))
        bd.get(B + "/approve")
        # The credit-code hint as the clerk types: a wrong check character, then the right code.
        code = bd.find_element(By.NAME, "creditCode")
        code.send_keys(self.code[:17] + ("0" if self.code[17] != "0" else "1"))
        WebDriverWait(bd, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, ".live").get_attribute("data-ok") == "no")
        self.assertIn("统一社会信用代码有误", bd.find_element(By.CSS_SELECTOR, ".live").text)
        code.clear()
        for name, value in [("itemCode", "370100-001"), ("itemName", "食品经营许可"), ("applicant", "聊城市浏览器测试餐饮有限公司"),
                            ("creditCode", self.code), ("contact", "0635-1234567"), ("licence", self.licence)]:
            bd.find_element(By.NAME, name).send_keys(value)
        WebDriverWait(bd, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, ".live").get_attribute("data-ok") == "yes")
        bd.find_element(By.CSS_SELECTOR, "input[name='to'][value='market']").click()
        # A scanned decision attached (R1): uploaded by the browser, signed as an attachment operation.
        scan = os.path.join(self.tmp, "许可决定书.pdf")
        self.scan_bytes = b"%PDF-1.4\n% scanned decision\n" + bytes(range(256)) * 8
        with open(scan, "wb") as f:
            f.write(self.scan_bytes)
        bd.find_element(By.CSS_SELECTOR, "form[action='/approve'] input[type='file']").send_keys(scan)
        self.shot(bd, "02-approve-form")
        bd.find_element(By.CSS_SELECTOR, "form[action='/approve'] button[type='submit']").click()
        self.wait_notice(bd, "已签发并推送")
        badge = bd.find_element(By.CSS_SELECTOR, ".push [data-status]")
        self.assertEqual(badge.get_attribute("data-status"), "pending")
        self.shot(bd, "03-approval-pushed")
        # The attachment is listed on the licence's page and downloads as the very bytes uploaded.
        link = self.wait(bd, "ul.attachments a")
        self.assertEqual(link.text, "许可决定书.pdf")
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in bd.get_cookies())
        with urllib.request.urlopen(urllib.request.Request(link.get_attribute("href"), headers={"Cookie": cookie})) as r:
            self.assertEqual(r.read(), self.scan_bytes)
            self.assertEqual(r.headers["Content-Type"], "application/pdf")
            self.assertIn("filename*=UTF-8''%E8%AE%B8%E5%8F%AF", r.headers["Content-Disposition"])

        # The market's clerk: nothing yet; after a sync, the push is in 待办.
        self.sign_in(md, M, "M201", "pw-M201-2026")
        self.wait(md, "nav a[href='/supervise']")
        self.assertNotIn(self.licence, self.text(md))
        self.sync(md, M, "04-market-sync")
        md.get(M + "/inbox")
        row = self.wait(md, "table.list").text
        self.assertIn(self.licence, row)
        self.assertIn("剩", row)   # remaining working days and hours
        self.shot(md, "05-market-inbox")

        # A refused act: the form altered to claim ecology's push.
        status = json.loads(self.sh("status", "91371502MA3N8K7P2001P", "--json", home=self.market))
        ecology_push = status["pushes"][0]["id"]
        md.execute_script("document.querySelector(\"form[action='/claim'] input[name='push']\").value = arguments[0]", ecology_push)
        md.find_element(By.CSS_SELECTOR, "form[action='/claim'] button").click()
        err = self.wait(md, ".error")
        self.assertRegex(err.text, r"[\u4e00-\u9fff]")   # a Chinese sentence
        self.assertIn("错误代码", err.text)
        self.shot(md, "06-claim-refused")
        self.assertIn(self.licence, self.text(md))   # the inbox is intact

        # Claim with one click; the signed-in staff member signs for it (R3).
        # (Click to confirmed page is recorded for BENCHMARKS.md, not asserted.)
        md.get(M + "/stats")
        on_time_before = self.on_time_this_month(md)
        md.get(M + "/inbox")
        # By keyboard alone: Tab from the top of the page (first stop: the skip link) to 认领, then Enter.
        body = md.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        self.assertEqual(md.switch_to.active_element.text, "跳到正文")
        button = md.find_element(By.CSS_SELECTOR, "form[action='/claim'] button")
        for _ in range(40):
            if md.switch_to.active_element == button:
                break
            md.switch_to.active_element.send_keys(Keys.TAB)
        self.assertEqual(md.switch_to.active_element, button, "认领 is reachable with Tab")
        started = time.monotonic()
        button.send_keys(Keys.ENTER)
        self.wait_notice(md, "已认领")
        self.timings["claim click to confirmed page (s)"] = round(time.monotonic() - started, 3)
        self.assertIn("刘洋", self.text(md))
        self.assertIn(md.find_element(By.CSS_SELECTOR, ".push [data-status]").get_attribute("data-status"),
                      ["claimed_awaiting_witness", "claimed_on_time"])
        # After a sync the bureau's witness settles it: 按时认领.
        self.sync(md, M, "07-market-sync-claim")
        md.get(M + "/history")
        md.find_element(By.PARTIAL_LINK_TEXT, self.licence).click()
        badge = self.wait(md, ".push [data-status]")
        self.assertEqual(badge.get_attribute("data-status"), "claimed_on_time")
        self.assertIn("按时认领", badge.text)
        self.assertIn("见证", self.text(md))   # the evidence, in words
        self.shot(md, "08-claimed-on-time")

        # 统计: the claim counted 按时认领 for this department, drawn and tabled.
        md.find_element(By.LINK_TEXT, "统计").click()
        self.wait(md, "svg.chart rect.o-on_time")
        self.assertEqual(self.on_time_this_month(md), on_time_before + 1)
        self.shot(md, "08b-statistics")
        # 快速查询: the number is a link to the pushes behind it, this one among them.
        month = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m")
        md.find_element(By.CSS_SELECTOR, f"a[href*='period={month}'][href*='claim=on_time']").click()
        self.wait_text(md, "h1", "统计明细")
        self.assertIn(self.licence, self.text(md))
        self.shot(md, "08b2-statistics-items")
        md.back()
        md.back()
        self.wait(md, ".push [data-status]")

        # 反馈 (R4) and 转推 (R5) from the push's page, signed by the clerk signed in.
        item_page = md.current_url
        md.find_element(By.CSS_SELECTOR, "details.more summary").click()
        md.find_element(By.CSS_SELECTOR, "form[action='/feedback'] textarea").send_keys("请补充现场核查照片")
        md.find_element(By.CSS_SELECTOR, "form[action='/feedback'] button").click()
        self.wait_notice(md, "反馈已签署")
        self.assertIn("反馈：市市场监督管理局（刘洋", self.text(md))
        self.assertIn("请补充现场核查照片", self.text(md))
        md.find_element(By.CSS_SELECTOR, "details.more summary").click()
        target = Select(md.find_element(By.CSS_SELECTOR, "form[action='/relay'] select")).first_selected_option.text
        md.find_element(By.CSS_SELECTOR, "form[action='/relay'] button").click()
        self.wait_notice(md, "已转推")
        self.assertIn(f"推送给 {target}（转推，R5）", self.text(md))
        self.shot(md, "08c-relayed")
        md.get(item_page)

        # The evidence bundle: checked on the page, downloaded, verified offline by both verifiers.
        md.find_element(By.PARTIAL_LINK_TEXT, "证据包").click()
        self.assertEqual(self.wait(md, "[data-verify]").get_attribute("data-verify"), "pass")
        self.shot(md, "09-evidence")
        href = md.find_element(By.CSS_SELECTOR, "a[download]").get_attribute("href")
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in md.get_cookies())
        with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookie})) as r:
            bundle = r.read()
        path = os.path.join(self.tmp, "bundle.json")
        with open(path, "wb") as f:
            f.write(bundle)
        swift = subprocess.run([os.path.join(BIN, "shenguan-verify"), path], capture_output=True, text=True)
        self.assertEqual(swift.returncode, 0, swift.stdout + swift.stderr)
        py = subprocess.run([sys.executable, os.path.join(ROOT, "Tools", "verify-py", "shenguan_verify.py"), "bundle", path],
                            capture_output=True, text=True)
        self.assertEqual(py.returncode, 0, py.stdout + py.stderr)
        self.assertIn("claimed_on_time", swift.stdout + py.stdout)
        # Without the session cookie the bundle is not served.
        with urllib.request.urlopen(href) as r:
            self.assertNotEqual(r.read(), bundle)

        # The market records a penalty and pushes it back (R6, R7).
        md.get(M + "/supervise")
        md.find_element(By.NAME, "summary").send_keys("未按规定公示食品经营许可证，罚款 2000 元")
        md.find_element(By.NAME, "approval").send_keys(self.licence)
        self.shot(md, "10-supervise-form")
        md.find_element(By.CSS_SELECTOR, "form[action='/supervise'] button[type='submit']").click()
        self.wait_notice(md, "监管信息已记录并推送")
        self.shot(md, "11-supervision-pushed")
        record_page = md.current_url
        self.sync(md, M, "12-market-sync-penalty")

        # The market's sync delivered it to the bureau's replica: the bureau's inbox shows it.
        bd.get(B + "/inbox")
        self.assertIn("行政处罚", self.wait(bd, "table.list").text)
        self.shot(bd, "13-bureau-inbox")
        bd.find_element(By.CSS_SELECTOR, "form[action='/claim'] button").click()
        self.wait_notice(bd, "已认领")
        self.sync(bd, B, "14-bureau-sync")
        # The market sees the bureau's claim on its record, judged on the market's witness.
        md.get(record_page)
        self.wait(md, ".push [data-status]")
        pushes = md.find_elements(By.CSS_SELECTOR, ".push")
        # By default the record also went to the credit platform (R20), which has not claimed it.
        self.assertTrue(any("推送给 市信用信息平台" in p.text for p in pushes), [p.text for p in pushes])
        to_bureau = next(p for p in pushes if "推送给 市行政审批服务局" in p.text)
        self.assertEqual(to_bureau.find_element(By.CSS_SELECTOR, "[data-status]").get_attribute("data-status"), "claimed_on_time")
        self.assertIn("陈静", self.text(md))
        self.shot(md, "15-market-record-claimed")

        # 函询 (R12): the bureau asks, the market answers after a sync, the bureau sees the answer.
        bd.get(B + "/inquire")
        Select(bd.find_element(By.NAME, "to")).select_by_visible_text("市市场监督管理局")
        bd.find_element(By.NAME, "subject").send_keys("食品经营许可现场核查意见")
        bd.find_element(By.NAME, "question").send_keys("该店是否具备开业条件？")
        bd.find_element(By.CSS_SELECTOR, "form[action='/inquire'] button").click()
        self.wait_notice(bd, "函询已发出")
        inquiry_page = bd.current_url
        self.sync(bd, B, "16-bureau-sync-inquiry")
        md.get(M + "/inbox")
        md.find_element(By.PARTIAL_LINK_TEXT, "食品经营许可现场核查意见").click()
        md.find_element(By.NAME, "text").send_keys("具备条件，同意")
        self.shot(md, "17-market-reply")
        md.find_element(By.CSS_SELECTOR, "form[action='/reply'] button").click()
        self.wait_notice(md, "答复已签署")
        self.sync(md, M, "18-market-sync-reply")
        bd.get(inquiry_page)
        self.assertEqual(self.wait(bd, "[data-status]").get_attribute("data-status"), "consented")
        self.assertIn("具备条件，同意", self.text(bd))
        self.shot(bd, "19-bureau-inquiry-answered")

        # 撤销申请 (R10): the market asks on the licence's page, the bureau decides after a sync.
        md.get(M + "/history")
        md.get(md.find_element(By.PARTIAL_LINK_TEXT, self.licence).get_attribute("href"))
        md.find_element(By.PARTIAL_LINK_TEXT, "查看所推送的许可").click()
        md.find_element(By.NAME, "basis").send_keys("经查提交虚假材料")
        md.find_element(By.CSS_SELECTOR, "form[action='/request'] button").click()
        self.wait_notice(md, "申请已提出")
        self.sync(md, M, "20-market-sync-request")
        bd.get(B + "/inbox")
        bd.find_element(By.CSS_SELECTOR, "a.button[href^='/item/']").click()   # 办理
        bd.find_element(By.CSS_SELECTOR, "input[name='grant'][value='yes']").click()
        bd.find_element(By.NAME, "reason").send_keys("事实清楚，准予撤销")
        bd.find_element(By.CSS_SELECTOR, "form[action='/decide'] button").click()
        self.wait_notice(bd, "决定已签署")
        self.assertIn("已撤销", self.text(bd))
        self.shot(bd, "21-bureau-decided")

        # 预警名单 (R9): the bureau lists a subject by hand (a wrong credit code first: refused
        # in Chinese, the form kept), then ends the listing with a reason.
        bd.find_element(By.LINK_TEXT, "预警名单").click()
        bd.find_element(By.NAME, "creditCode").send_keys(self.code[:-1] + ("0" if self.code[-1] != "0" else "1"))
        bd.find_element(By.NAME, "name").send_keys("某某餐饮有限公司")
        Select(bd.find_element(By.NAME, "level")).select_by_visible_text("从严审批")
        bd.find_element(By.CSS_SELECTOR, "form[action='/warnings/list'] input[name='reason']").send_keys("多次违法经营")
        bd.find_element(By.CSS_SELECTOR, "form[action='/warnings/list'] button").click()
        self.assertIn("错误代码", self.wait(bd, ".error").text)
        self.assertEqual(bd.find_element(By.NAME, "name").get_attribute("value"), "某某餐饮有限公司")
        field = bd.find_element(By.NAME, "creditCode")
        field.clear()
        field.send_keys(self.code)
        bd.find_element(By.CSS_SELECTOR, "form[action='/warnings/list'] button").click()
        self.wait_notice(bd, "已列入预警名单")
        row = next(r for r in bd.find_elements(By.CSS_SELECTOR, "table.list tbody tr") if "某某餐饮有限公司" in r.text)
        self.assertIn("从严审批", row.text)
        self.shot(bd, "21b-bureau-warning-listed")
        row.find_element(By.NAME, "reason").send_keys("整改完毕")
        row.find_element(By.CSS_SELECTOR, "form[action='/warnings/delist'] button").click()
        self.wait_notice(bd, "已移出预警名单")
        self.assertNotIn("某某餐饮有限公司", self.text(bd))

        # A form from another site is refused (cross-site request forgery).
        bd.get(f"data:text/html,<form method=post action='{B}/claim'><input name=push value=x></form>")
        bd.execute_script("document.forms[0].submit()")
        self.assertIn("web.cross_site", self.wait(bd, ".error").text)

        # The same inbox at a phone's width.
        bd.set_window_size(390, 844)
        bd.get(B + "/history")
        self.wait(bd, "table.list")
        self.shot(bd, "22-bureau-history-phone")


if __name__ == "__main__":
    unittest.main()

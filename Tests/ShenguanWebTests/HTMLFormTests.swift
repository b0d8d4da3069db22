import Hummingbird
import ShenguanReplica
@testable import ShenguanWeb
import Testing

@Suite struct HTMLFormTests {
    @Test func interpolatedTextIsEscapedMarkupIsNot() {
        let evil = "<script>alert('x')</script> & \"q\""
        let page: HTML = "<p title=\"\(evil)\">\(evil)</p>\(HTML("<b>\("<i>")</b>"))"
        #expect(page.raw == "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p><b>&lt;i&gt;</b>")
    }

    @Test func urlencodedFormsDecodeStrictly() throws {
        let f = try Form.urlencoded(Array("name=%E7%8E%8B%E8%8A%B3+A&to=d1&to=d2&empty=&csrf=a%2Bb".utf8))
        #expect(f["name"] == "王芳 A" && f.all("to") == ["d1", "d2"] && f["empty"] == nil && f["csrf"] == "a+b")
        for bad in ["a=%ZZ", "a=%E7%8E", "a=%4"] {
            #expect(throws: ReplicaError.self) { try Form.urlencoded(Array(bad.utf8)) }
        }
    }

    @Test func multipartFormsCarryFieldsAndFiles() throws {
        let b = "----sgBoundary7"
        let body = "--\(b)\r\nContent-Disposition: form-data; name=\"summary\"\r\n\r\n罚款 2000 元\r\n" +
            "--\(b)\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"C:\\\\scan\\\\决定书.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n\r\nbody\r\n" +
            "--\(b)\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n" +
            "--\(b)--\r\n"
        let f = try Form.multipart(Array(body.utf8), boundary: b)
        #expect(f["summary"] == "罚款 2000 元")
        let files = f.files["attachment"] ?? []
        #expect(files.count == 1)   // the empty file input is no attachment
        #expect(files.first?.name == "决定书.pdf" && files.first?.bytes == Array("%PDF-1.7\r\n\r\nbody".utf8))
        #expect(throws: ReplicaError.self) { try Form.multipart(Array(body.utf8.dropLast(10)), boundary: b) }
        #expect(throws: ReplicaError.self) { try Form.multipart(Array(body.utf8), boundary: "") }
    }

    @Test func theLogKeepsRoutesNotWhatAClerkTypedIntoAURL() {
        #expect(WebGuard<BasicRequestContext>.route("/item/聊城市鲁西餐饮有限公司") == "/item/…")
        #expect(WebGuard<BasicRequestContext>.route("/evidence/abc/check") == "/evidence/…")
        #expect(WebGuard<BasicRequestContext>.route("/inbox") == "/inbox" && WebGuard<BasicRequestContext>.route("/") == "/")
    }
}

import Testing
@testable import ShenguanCore

/// Jurisdiction policies (R2, R4, R7, R11, R20), each limit tagged with its
/// rule id and seed citation; custom policies are validated with clear errors.
@Suite struct PolicyTests {
    @Test func builtInProfilesCarryTheSeedNumbers() {
        let l = Policy.liaocheng, z = Policy.linzi, n = Policy.nantong
        #expect([l.claim.workingDays, l.pushBack.workingDays, l.bureauClaim.workingDays, l.creditPush.workingDays] == [2, 3, 2, 7])
        #expect([z.claim.workingDays, z.feedback.workingDays, z.pushBack.workingDays, z.postVerification.workingDays] == [1, 1, 0, 10])
        #expect(l.claim.citation.hasPrefix("000") && z.claim.citation.hasPrefix("002"))
        #expect(n.claim.localChoice && !l.claim.localChoice, "南通 sets no number: a marked local choice")
        for p in [l, z, n] { for (_, limit) in p.limits { #expect(limit.rule.hasPrefix("R")) } }
    }

    @Test func policiesRoundTripThroughJSON() throws {
        for p in Policy.profiles.values { #expect(try Policy(json: p.json) == p) }
    }

    @Test func customPoliciesOverrideAProfile() throws {
        let p = try Policy(json: ["base": "linzi", "profile": "zibo", "claim": ["workingDays": 3]])
        #expect(p.claim.workingDays == 3 && p.claim.localChoice && p.feedback == Policy.linzi.feedback && p.profile == "zibo")
    }

    @Test(arguments: [
        (["base": "atlantis"] as JSONValue, "base"),
        (["base": "linzi", "claim": ["workingDays": -1]] as JSONValue, "claim.workingDays"),
        (["base": "linzi", "claimm": ["workingDays": 1]] as JSONValue, "claimm"),
        (["claim": ["workingDays": 1]] as JSONValue, "pushBack"),
        (["base": "linzi", "graceMillis": -5] as JSONValue, "graceMillis"),
    ])
    func invalidPoliciesNameTheField(json: JSONValue, field: String) {
        #expect { try Policy(json: json) } throws: { ($0 as? Policy.Invalid)?.field == field }
    }
}

import Testing
@testable import Spec

@Suite struct LayoutTests {
    @Test func records_haveNoPadding() {
        #expect(MemoryLayout<Slot>.size == MemoryLayout<Slot>.stride)
    }
}

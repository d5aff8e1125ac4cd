from tests.services.voting.review_helpers import close, school_class

def test_shot(make_voting, token_for, serve, page):
    voting = make_voting(fraud_flood_votes=2, session_cookie_secure=False)
    school_class(voting, 5)
    close(voting)
    url = serve(voting.app)
    page.goto(f"{url}/staff/editions/{voting.slug}/integrity?lang=en")
    page.screenshot(path="/tmp/shot/login.png", full_page=True)
    page.get_by_label("Staff token").fill("rvs_wrong")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    page.screenshot(path="/tmp/shot/login_err.png", full_page=True)
    page.get_by_label("Staff token").fill(token_for("votes"))
    page.keyboard.press("Enter")
    page.wait_for_selector("pre.report")
    page.screenshot(path="/tmp/shot/integrity.png", full_page=True)

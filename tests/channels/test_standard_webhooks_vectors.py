"""Our signing against the test vector published by the Standard Webhooks project."""

from sync.channels.webhook import sign, verify

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
PAYLOAD = b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_sign_matches_the_published_vector():
    assert sign(SECRET, MSG_ID, TIMESTAMP, PAYLOAD) == SIGNATURE


def test_verify_accepts_the_published_vector():
    headers = {"webhook-id": MSG_ID, "webhook-timestamp": str(TIMESTAMP), "webhook-signature": SIGNATURE}
    verify(SECRET, headers, PAYLOAD, now=TIMESTAMP + 10)

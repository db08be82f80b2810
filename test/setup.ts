// Mocha root setup: loaded once before any test file.
// cdktf must never call home from a test run, and the AWS SDK must never find real credentials.
process.env.CHECKPOINT_DISABLE = "1";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
process.env.AWS_ACCESS_KEY_ID ??= "local";
process.env.AWS_SECRET_ACCESS_KEY ??= "local";
process.env.AWS_REGION ??= "us-east-1";
delete process.env.AWS_PROFILE;

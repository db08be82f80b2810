// Answers with the proxy event it was given, as the recordings' Lambda does: {statusCode: 200, body: JSON.stringify(event)}.
export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event), isBase64Encoded: false });

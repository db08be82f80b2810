/* global Buffer */
// Answers with the response the client sent in the request body: JSON.parse(body), base64-decoded first when isBase64Encoded.
export const handler = async (event) => {
  const body = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  return JSON.parse(body);
};

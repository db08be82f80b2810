// Non-proxy: answers with the event it was given (the request template's output).
export const handler = async (event) => event;

/** Path of the receipt API an integrator POSTs delivery results to (same timestamp, nonce and signature rules as the webhook POST). */
export const RECEIPT_PATH = '/restapi/marketing2/webhook/receiveWebHookCallBack';

/** One user's delivery receipt; the receipt body is a JSON array of these. */
export interface WebHookCallBackMessage {
  /** 32-character unique message ID made by the integrator. */
  msg_id: string;
  /** A status code configured in the webhook's receipt settings, e.g. "200". */
  status: string;
  /** The user's user_profile.customer_id. */
  cst_id: string;
  /** UNIX time in milliseconds, as a string. */
  send_time: string;
  /** The request's callback_params, returned as is. */
  callback_params: Record<string, string>;
}

/** Body of the receipt API response: code 200 with message "Success", any other code is an error. */
export interface ReceiptApiResponse {
  code: number;
  message: string;
}

/** The receipt API's success code. */
export const RECEIPT_SUCCESS_CODE = 200;

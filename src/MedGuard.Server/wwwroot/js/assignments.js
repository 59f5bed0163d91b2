// 测评委托: choosing the institution lists its systems at once (the button does the same without script).
document.querySelectorAll('select[data-autosubmit="true"]').forEach((select) => {
    select.addEventListener('change', () => select.form.submit());
});
